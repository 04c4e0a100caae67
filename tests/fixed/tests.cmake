# Fixed-point closure: float reference vs integer pipeline vs generated C,
# bit for bit (run_fixed.sh), one CTest per line of models.txt.
set(FIXED_DIR ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${FIXED_DIR}/models.txt)
file(STRINGS ${FIXED_DIR}/models.txt fixed_lines REGEX "^[A-Za-z0-9_]")
foreach(line ${fixed_lines})
  string(REGEX REPLACE " +" ";" fields "${line}")
  list(GET fields 0 fixed_name)
  list(GET fields 1 fixed_path)
  list(LENGTH fields nfields)
  set(fixed_samples 1000)
  if(nfields GREATER 2)
    list(GET fields 2 fixed_samples)
  endif()
  if(fixed_path MATCHES "^shared:")
    string(REGEX REPLACE "^shared:" "${SHARED_TESTDATA}/" fixed_path "${fixed_path}")
  else()
    set(fixed_path ${FIXED_DIR}/models/${fixed_path})
  endif()
  add_test(NAME fixed/${fixed_name}
           COMMAND sh ${FIXED_DIR}/run_fixed.sh --bibc ${BIBC} --randnpy $<TARGET_FILE:randnpy>
                   --npycmp $<TARGET_FILE:npycmp> --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}"
                   ${fixed_path} ${fixed_samples})
  set_tests_properties(fixed/${fixed_name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
