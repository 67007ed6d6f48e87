# cmake --install BUILD --prefix P: headers in P/include/floodsim, libfloodsim.so (C++) and
# libfloodsim_c.so (C), the floodsim executable, and the CMake package:
#   find_package(floodsim) -> floodsim::floodsim, floodsim::floodsim_c
include(CMakePackageConfigHelpers)

install(TARGETS floodsim_cxx floodsim_c EXPORT floodsimTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS floodsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(FLOODSIM_PARALLEL_HDF5)  # the executable's collective result writer (docs/parallel.md)
  install(TARGETS floodsim_h5mpi LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set_target_properties(floodsim PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/floodsim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(floodsim_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/floodsim)
install(EXPORT floodsimTargets NAMESPACE floodsim:: DESTINATION ${floodsim_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/floodsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/floodsimConfig.cmake INSTALL_DESTINATION ${floodsim_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/floodsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/floodsimConfig.cmake ${PROJECT_BINARY_DIR}/floodsimConfigVersion.cmake
  DESTINATION ${floodsim_cmake_dir})
