# Sanitizer builds (docs/robustness.md). FLOODSIM_SANITIZE is a -fsanitize list:
#   address,undefined  AddressSanitizer + UndefinedBehaviorSanitizer (g++ or clang++); every
#                      finding aborts the test (no recovery), so ctest fails on it.
#   thread             ThreadSanitizer. With OpenMP it needs clang++ with LLVM's libomp and its
#                      Archer tool (scripts/sanitize.sh sets OMP_TOOL_LIBRARIES); libgomp is not
#                      instrumented and gives false reports.
# FLOODSIM_FUZZ=ON (clang++ only) adds coverage instrumentation for libFuzzer to every room and
# builds the fuzz targets in fuzz/ as libFuzzer programs.
set(FLOODSIM_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined or thread")
option(FLOODSIM_FUZZ "Build the libFuzzer targets (clang++)" OFF)

if(FLOODSIM_SANITIZE)
  if(FLOODSIM_SANITIZE MATCHES "thread" AND FLOODSIM_SANITIZE MATCHES "address")
    message(FATAL_ERROR "FLOODSIM_SANITIZE=${FLOODSIM_SANITIZE}: thread and address cannot be combined")
  endif()
  add_compile_options(-fsanitize=${FLOODSIM_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${FLOODSIM_SANITIZE})
  if(FLOODSIM_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()
if(FLOODSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FLOODSIM_FUZZ needs clang++ (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link -g)
endif()
# The shared libraries are linked with --no-undefined, except where clang leaves the sanitizer
# runtime to the executable that loads them.
set(FLOODSIM_SHARED_LINK_OPTIONS -Wl,--no-undefined)
if((FLOODSIM_SANITIZE OR FLOODSIM_FUZZ) AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(FLOODSIM_SHARED_LINK_OPTIONS "")
endif()
message(STATUS "floodsim: FLOODSIM_SANITIZE=${FLOODSIM_SANITIZE}, FLOODSIM_FUZZ=${FLOODSIM_FUZZ}")
