# Backends on fixed-point graphs (tests/fixed/run_fixed.sh --check): for each
# line of models.txt, the netlist evaluator (backends/int/NAME, 'bibc run
# --net') agrees with 'bibc run --fixed', the integer-only C is free of
# floating point, and it and the HLS C (backends/hls/NAME: C99, C++, and
# C++ with ap_int types) are bit-exact with 'bibc run --fixed' on 1,000
# random inputs, through the float wrapper and --main bench.  cli.sh: the
# command line around them (mixed C with a note, HLS errors, --target,
# .hls.cpp, determinism); hls_round: the HLS rounding formula against
# rt_fx_round.
set(BACKENDS_DIR ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${BACKENDS_DIR}/models.txt)
file(STRINGS ${BACKENDS_DIR}/models.txt backend_lines REGEX "^[A-Za-z0-9_]")
foreach(line ${backend_lines})
  string(REGEX REPLACE " +" ";" fields "${line}")
  list(GET fields 0 bname)
  set(bchecks int hls)
  if(bname MATCHES ":int$")  # NAME:int -- the integer C only (HLS too slow to compile)
    string(REGEX REPLACE ":int$" "" bname "${bname}")
    set(bchecks int)
  endif()
  list(GET fields 1 bpath)
  list(LENGTH fields nfields)
  set(bsamples 1000)
  set(bflags --fixed)
  if(nfields GREATER 2)
    list(GET fields 2 bsamples)
  endif()
  if(nfields GREATER 3)
    list(SUBLIST fields 3 -1 bflags)
    string(REPLACE ";" " " bflags "${bflags}")
  endif()
  if(bpath MATCHES "^shared:")
    string(REGEX REPLACE "^shared:" "${SHARED_TESTDATA}/" bpath "${bpath}")
  else()
    set(bpath ${CMAKE_SOURCE_DIR}/tests/${bpath})
  endif()
  foreach(check ${bchecks})
    add_test(NAME backends/${check}/${bname}
             COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fixed/run_fixed.sh --bibc ${BIBC}
                     --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>
                     --cc ${CMAKE_C_COMPILER} --cflags "${GEN_CFLAGS}" --flags "${bflags}"
                     --check ${check}$<$<STREQUAL:${check},int>:,net>
                     ${bpath} ${bsamples})
    set_tests_properties(backends/${check}/${bname} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endforeach()

add_test(NAME backends/cli COMMAND sh ${BACKENDS_DIR}/cli.sh --bibc ${BIBC} --cc ${CMAKE_C_COMPILER}
                                   --randnpy $<TARGET_FILE:randnpy> --npycmp $<TARGET_FILE:npycmp>)
add_executable(hls_round ${BACKENDS_DIR}/hls_round.c)
target_link_libraries(hls_round PRIVATE bibccore)
add_test(NAME backends/hls_round COMMAND hls_round)
