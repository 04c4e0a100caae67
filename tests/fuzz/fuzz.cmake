# fuzz.cmake - libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the short fuzz
# test.  Included once at the end of the top CMakeLists.txt, so it sees the
# source lists (IR_SRC, ...) bibccore is built from.
#
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DBIBC_FUZZ=ON
#   cmake --build build-fuzz --target fuzz_onnx fuzz_tensor fuzz_dsl
#
# With BIBC_FUZZ, bibc's sources are built a second time, instrumented
# (bibcfuzzcore: ASan + UBSan, every UBSan report fatal, libFuzzer's
# coverage), and the harnesses link it; the test fuzz/short runs each for
# ~30 s (run_short.sh).  Without it, the gcc sanitizer build (BIBC_SANITIZE,
# tests/run-all.sh's asan) registers fuzz/short when clang is on PATH:
# run_short.sh then builds the harnesses itself and skips (status 77) if
# clang has no libFuzzer.  bench/fuzz/run.sh is the long run.
option(BIBC_FUZZ "Build the libFuzzer harnesses in tests/fuzz (needs -DCMAKE_C_COMPILER=clang)" OFF)
set(FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

if(BIBC_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BIBC_FUZZ needs clang with libFuzzer: configure with "
            "-DCMAKE_C_COMPILER=clang (Debian package clang)")
  endif()
  # bibc's code gets libFuzzer's coverage instrumentation; the harnesses'
  # own code (fuzz_common.c's allocation set) must not, or inputs that merely
  # exercise it would count as new coverage.
  set(SAN_FLAGS -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
  set(FUZZ_FLAGS ${SAN_FLAGS} -fsanitize=fuzzer-no-link)
  add_library(bibcfuzzcore STATIC ${IR_SRC} ${FRONTEND_SRC} ${COMPILER_SRC} ${BACKEND_SRC}
              ${RUNTIME_SRC} ${GEN}/rt_text.c ${DSL_GEN})
  target_include_directories(bibcfuzzcore PUBLIC ${CMAKE_SOURCE_DIR}/compiler)
  target_include_directories(bibcfuzzcore PRIVATE ${YAML_INCLUDE})
  target_link_libraries(bibcfuzzcore PUBLIC onnxproto ${YAML_LIB} m)
  target_compile_options(bibcfuzzcore PRIVATE ${FUZZ_FLAGS})
  foreach(h onnx tensor dsl)
    add_executable(fuzz_${h} ${FUZZ_DIR}/fuzz_${h}.c ${FUZZ_DIR}/fuzz_common.c)
    target_compile_options(fuzz_${h} PRIVATE ${SAN_FLAGS} -Wall -Wextra -Werror)
    target_link_options(fuzz_${h} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${h} PRIVATE bibcfuzzcore)
  endforeach()
  add_test(NAME fuzz/short
           COMMAND sh ${FUZZ_DIR}/run_short.sh --bin $<TARGET_FILE_DIR:fuzz_onnx>
                   --work ${CMAKE_CURRENT_BINARY_DIR}/fuzz_short)
elseif(BIBC_SANITIZE)
  find_program(FUZZ_CLANG clang)
  if(FUZZ_CLANG)
    add_test(NAME fuzz/short
             COMMAND sh ${FUZZ_DIR}/run_short.sh --cc ${FUZZ_CLANG}
                     --work ${CMAKE_CURRENT_BINARY_DIR}/fuzz_short)
  endif()
endif()
if(TEST fuzz/short)
  set_tests_properties(fuzz/short PROPERTIES SKIP_RETURN_CODE 77 LABELS fuzz TIMEOUT 900)
endif()
