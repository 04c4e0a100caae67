# Backends on fixed-point graphs (tests/fixed/run_fixed.sh --check): for each
# line of models.txt, the integer-only C (backends/int/NAME) is free of
# floating point and, with its float wrapper, bit-exact with
# 'bibc run --fixed' on 1,000 random inputs.  no_int_form.sh checks that a
# model with float computation between fixed-point regions gets a note and
# mixed C.
set(BACKENDS_DIR ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${BACKENDS_DIR}/models.txt)
file(STRINGS ${BACKENDS_DIR}/models.txt backend_lines REGEX "^[A-Za-z0-9_]")
foreach(line ${backend_lines})
  string(REGEX REPLACE " +" ";" fields "${line}")
  list(GET fields 0 bname)
  list(GET fields 1 bpath)
  list(LENGTH fields nfields)
  set(bsamples 1000)
  if(nfields GREATER 2)
    list(GET fields 2 bsamples)
  endif()
  if(bpath MATCHES "^shared:")
    string(REGEX REPLACE "^shared:" "${SHARED_TESTDATA}/" bpath "${bpath}")
  else()
    set(bpath ${CMAKE_SOURCE_DIR}/tests/fixed/models/${bpath})
  endif()
  foreach(check int)
    add_test(NAME backends/${check}/${bname}
             COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fixed/run_fixed.sh --bibc ${BIBC}
                     --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>
                     --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" --check ${check}
                     ${bpath} ${bsamples})
    set_tests_properties(backends/${check}/${bname} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endforeach()
