# Scaled-integer thresholds (run.sh): 'bibc run --fixed' on the random and
# tie-heavy QONNX models of make_models.py, bit for bit against the exact
# Python reference (reference.py); one CTest per model, named
# thresholds/NAME.  The models are made at test time in the build folder.
# The names are the keys of make_models.py's MODELS table (read here
# without Python, so the tests exist, and skip, where Python is absent).
set(THRESHOLDS_DIR ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${THRESHOLDS_DIR}/make_models.py)
file(STRINGS ${THRESHOLDS_DIR}/make_models.py thresholds_lines REGEX "^    \"[a-z0-9_]+\": ")
foreach(line ${thresholds_lines})
  string(REGEX MATCH "\"[a-z0-9_]+\"" thresholds_name "${line}")
  string(REPLACE "\"" "" thresholds_name "${thresholds_name}")
  add_test(NAME thresholds/${thresholds_name}
           COMMAND sh ${THRESHOLDS_DIR}/run.sh --bibc ${BIBC}
                   --dir ${CMAKE_CURRENT_BINARY_DIR}/thresholds ${thresholds_name})
  set_tests_properties(thresholds/${thresholds_name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
