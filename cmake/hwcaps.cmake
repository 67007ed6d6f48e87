# glibc-hwcaps copies of libfloodsim.so. A package is built for a baseline CPU
# (-DFLOODSIM_ARCH=portable, x86-64-v2) so that it runs on any x86-64 machine of the last decade;
# FLOODSIM_HWCAPS adds copies of the library built for newer levels, installed under
# lib/glibc-hwcaps/<level>/, from which glibc (>= 2.33; Debian 12 has 2.36) loads the best one
# the CPU supports. A host linked against the package gets AVX2 or AVX-512 code where there is
# some, the baseline elsewhere, with no code of ours choosing. Costs and figures:
# docs/portability.md.
#   -DFLOODSIM_ARCH=portable -DFLOODSIM_HWCAPS="x86-64-v3;x86-64-v4"
# (FLOODSIM_HWCAPS is declared in the top-level CMakeLists.txt, which also turns FMA contraction
# off for such builds so that every copy gives the same bits.)

# Every room whose code goes into libfloodsim.so.
set(floodsim_library_rooms floodsim_solver floodsim_scenarios floodsim_mesh_gdal floodsim_io floodsim_risk floodsim_alerts
  floodsim_engine)
if(FLOODSIM_MPI)  # a run over MPI ranks (engine/run.cpp, docs/parallel.md)
  list(APPEND floodsim_library_rooms floodsim_parallel floodsim_parallel_mpi)
endif()

if(FLOODSIM_HWCAPS)
  # The rooms' imported dependencies, visible here too (imported targets are per folder).
  find_package(tomlplusplus REQUIRED)
  find_package(GDAL CONFIG REQUIRED)
  find_package(Threads REQUIRED)
  find_package(HDF5 REQUIRED COMPONENTS C)
  find_package(ZLIB REQUIRED)
  find_package(Eigen3 3.3 REQUIRED NO_MODULE)
  find_package(LibXml2 REQUIRED)
  find_package(CURL REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  if(FLOODSIM_MPI)
    find_package(MPI COMPONENTS CXX REQUIRED)
  endif()
endif()

foreach(level IN LISTS FLOODSIM_HWCAPS)
  if(NOT level MATCHES "^x86-64-v[234]$")
    message(FATAL_ERROR "FLOODSIM_HWCAPS: '${level}' is not a glibc-hwcaps level (x86-64-v2, x86-64-v3, x86-64-v4)")
  endif()
  string(REPLACE "-" "_" suffix "${level}")
  set(objects)
  foreach(room IN LISTS floodsim_library_rooms)
    # The room's sources, flags and dependencies again, compiled for this level.
    get_target_property(sources ${room} SOURCES)
    get_target_property(dir ${room} SOURCE_DIR)
    list(TRANSFORM sources PREPEND "${dir}/" REGEX "^[^/$]")
    add_library(${room}_${suffix} OBJECT ${sources})
    # (x86-64-v4 has AVX-512: its vectors of 512 bits, as a native build on such a CPU; top-level CMakeLists.txt)
    set(width)
    if(level STREQUAL "x86-64-v4")
      set(width -mprefer-vector-width=512)
    endif()
    target_compile_options(${room}_${suffix} PRIVATE $<TARGET_PROPERTY:${room},COMPILE_OPTIONS> -march=${level} ${width})
    target_compile_definitions(${room}_${suffix} PRIVATE $<TARGET_PROPERTY:${room},COMPILE_DEFINITIONS>)
    target_include_directories(${room}_${suffix} PRIVATE $<TARGET_PROPERTY:${room},INCLUDE_DIRECTORIES>)
    get_target_property(deps ${room} LINK_LIBRARIES)
    if(deps)
      target_link_libraries(${room}_${suffix} PRIVATE ${deps})
    endif()
    list(APPEND objects $<TARGET_OBJECTS:${room}_${suffix}>)
  endforeach()
  add_library(floodsim_cxx_${suffix} SHARED ${objects})
  # The rooms' static libraries only bring their external dependencies: every symbol of ours is
  # already defined by this level's objects, so no member of those archives is linked in.
  target_link_libraries(floodsim_cxx_${suffix} PRIVATE floodsim_solver floodsim_scenarios floodsim_mesh_gdal floodsim_io
                                                      floodsim_risk floodsim_alerts)
  if(FLOODSIM_MPI)
    target_link_libraries(floodsim_cxx_${suffix} PRIVATE floodsim_parallel_mpi)
  endif()
  target_link_options(floodsim_cxx_${suffix} PRIVATE ${FLOODSIM_SHARED_LINK_OPTIONS})
  set_target_properties(floodsim_cxx_${suffix} PROPERTIES
    OUTPUT_NAME floodsim LINKER_LANGUAGE CXX
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
    LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/glibc-hwcaps/${level})
  install(TARGETS floodsim_cxx_${suffix} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/glibc-hwcaps/${level})
endforeach()
