# The model language (doc/dsl.md): its error cases (run_errors.sh: each
# errors/NAME.bib fails with expected/NAME.stderr, the message, the source
# line and a caret) and .bib files against their ONNX twins (run_twins.sh:
# identical bibc run outputs, float and --fixed).
set(DSL_DIR ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME dsl/errors COMMAND sh ${DSL_DIR}/run_errors.sh --bibc ${BIBC})
add_test(NAME dsl/twins COMMAND sh ${DSL_DIR}/run_twins.sh --bibc ${BIBC}
                                   --randnpy $<TARGET_FILE:randnpy>)

# Every model bibc compiles (the project's and ../shared/testdata's), printed
# in the model language and read back: the same C (float and --fixed) and
# the same bibc run outputs (roundtrip.sh); and exported as ONNX, which
# reads back to the same IR and passes onnx.checker.  The sanitizer builds
# take every twentieth model.
if(BIBC_SANITIZE OR BIBC_SANITIZE_FLOAT)
  set(DSL_EVERY 20)
else()
  set(DSL_EVERY 1)
endif()
add_test(NAME dsl/roundtrip COMMAND sh ${DSL_DIR}/roundtrip.sh --bibc ${BIBC}
                                       --randnpy $<TARGET_FILE:randnpy> --every ${DSL_EVERY}
                                       --check-onnx /usr/bin/python3
                                       ${CMAKE_SOURCE_DIR}/tests ${CMAKE_SOURCE_DIR}/examples
                                       ${SHARED_TESTDATA})
set_tests_properties(dsl/roundtrip PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 1800)
