# Error-message tests: one CTest per line of cases.txt, named errors/CASE.
# Each checks exit status 1, the exact one-line message in
# expected/CASE.stderr, and that no output file is left behind (run.sh).
set(ERRORS_DIR ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ERRORS_DIR}/cases.txt)
file(STRINGS ${ERRORS_DIR}/cases.txt errors_lines REGEX "^[A-Za-z0-9_]")
foreach(line ${errors_lines})
  string(REGEX MATCH "^[A-Za-z0-9_]+" errors_case "${line}")
  add_test(NAME errors/${errors_case}
           COMMAND sh ${ERRORS_DIR}/run.sh --bibc ${BIBC} ${errors_case})
endforeach()

# Warnings: models bibc compiles while printing one line about them
# (warnings.txt, run.sh --warnings), all in one test.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ERRORS_DIR}/warnings.txt)
add_test(NAME errors/warnings COMMAND sh ${ERRORS_DIR}/run.sh --warnings --bibc ${BIBC})
