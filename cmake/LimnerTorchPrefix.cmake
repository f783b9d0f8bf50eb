# Uses a libtorch by its folders alone, without its CMake package: the libtorch inside a pip wheel
# (LIMNER_TORCH_PREFIX=.../site-packages/torch, which holds include/, lib/ and share/cmake/Torch).
#
# Why: a CUDA wheel's TorchConfig.cmake goes through Caffe2's cuda.cmake, which wants the CUDA
# toolkit (nvcc, CUDA_TOOLKIT_ROOT_DIR, cuDNN headers) and links the toolkit's CUDA runtime
# beside the one the wheel brings. Code that calls only ATen and c10 needs none of that: the
# wheel's libtorch_cuda.so finds its CUDA libraries (the nvidia-* wheels) through its own RPATH.
#
# Defines what find_package(Torch) would: the imported target limner::torch, TORCH_LIBRARIES,
# TORCH_INCLUDE_DIRS, TORCH_CXX_FLAGS (the wheel's C++ ABI), Torch_VERSION, and also
# LIMNER_TORCH_HAS_CUDA and, when libtorch has CUDA, the imported target limner::c10_cuda.
# Inputs: LIMNER_TORCH_PREFIX; optional LIMNER_TORCH_LIBRARY_DIR (default PREFIX/lib or
# PREFIX/lib/<multiarch>), LIMNER_TORCH_CXX11_ABI (0 or 1; default: read from the wheel's
# TorchConfig.cmake, else 1).

set(_prefix "${LIMNER_TORCH_PREFIX}")
set(_includes "${_prefix}/include" "${_prefix}/include/torch/csrc/api/include")
if(NOT EXISTS "${_prefix}/include/ATen/ATen.h")
    message(FATAL_ERROR "LIMNER_TORCH_PREFIX=${_prefix} has no include/ATen/ATen.h: give the folder "
                        "of a libtorch (a pip wheel's: python3 -c 'import torch, os; "
                        "print(os.path.dirname(torch.__file__))').")
endif()

set(_library_dirs "${LIMNER_TORCH_LIBRARY_DIR}" "${_prefix}/lib")
if(CMAKE_LIBRARY_ARCHITECTURE)
    list(APPEND _library_dirs "${_prefix}/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
endif()
foreach(_name torch torch_cpu c10 torch_cuda c10_cuda)
    find_library(LIMNER_TORCH_${_name}_LIBRARY ${_name} PATHS ${_library_dirs} NO_DEFAULT_PATH)
endforeach()
foreach(_name torch torch_cpu c10)
    if(NOT LIMNER_TORCH_${_name}_LIBRARY)
        message(FATAL_ERROR "lib${_name}.so not found in ${_library_dirs}: set "
                            "LIMNER_TORCH_LIBRARY_DIR to the folder that holds libtorch's libraries.")
    endif()
endforeach()

# The C++ ABI libtorch was built with: every object that passes a std::string to it or past it
# must match. Pip wheels before torch 2.7 use the old ABI (0).
if(NOT DEFINED LIMNER_TORCH_CXX11_ABI)
    set(LIMNER_TORCH_CXX11_ABI 1)
    set(_config "${_prefix}/share/cmake/Torch/TorchConfig.cmake")
    if(EXISTS "${_config}")
        file(STRINGS "${_config}" _abi_line REGEX "_GLIBCXX_USE_CXX11_ABI=[01]")
        if(_abi_line MATCHES "_GLIBCXX_USE_CXX11_ABI=([01])")
            set(LIMNER_TORCH_CXX11_ABI ${CMAKE_MATCH_1})
        endif()
    endif()
endif()
set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=${LIMNER_TORCH_CXX11_ABI}")

set(_version_header "${_prefix}/include/torch/csrc/api/include/torch/version.h")
if(EXISTS "${_version_header}")
    file(STRINGS "${_version_header}" _version_lines REGEX "define TORCH_VERSION_(MAJOR|MINOR|PATCH) ")
    foreach(_part MAJOR MINOR PATCH)
        string(REGEX MATCH "TORCH_VERSION_${_part} ([0-9]+)" _match "${_version_lines}")
        set(_${_part} "${CMAKE_MATCH_1}")
    endforeach()
    set(Torch_VERSION "${_MAJOR}.${_MINOR}.${_PATCH}")
endif()

add_library(limner::torch INTERFACE IMPORTED GLOBAL)
set_target_properties(limner::torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_includes}")
target_compile_options(limner::torch INTERFACE "${TORCH_CXX_FLAGS}")
target_link_libraries(limner::torch INTERFACE
    "${LIMNER_TORCH_torch_LIBRARY}" "${LIMNER_TORCH_torch_cpu_LIBRARY}" "${LIMNER_TORCH_c10_LIBRARY}")
set(LIMNER_TORCH_HAS_CUDA OFF)
if(LIMNER_TORCH_torch_cuda_LIBRARY AND LIMNER_TORCH_c10_cuda_LIBRARY)
    set(LIMNER_TORCH_HAS_CUDA ON)
    # Nothing in our code names a symbol of libtorch_cuda, but loading it registers the CUDA
    # backend (at::hasCUDA()); as TorchConfig does, keep it against --as-needed. Its own CUDA
    # libraries are found at run time through its RPATH, so the link does not check them.
    target_link_libraries(limner::torch INTERFACE
        "-Wl,--no-as-needed,${LIMNER_TORCH_torch_cuda_LIBRARY}" "-Wl,--as-needed"
        "-Wl,--allow-shlib-undefined")
    add_library(limner::c10_cuda INTERFACE IMPORTED GLOBAL)
    target_link_libraries(limner::c10_cuda INTERFACE "${LIMNER_TORCH_c10_cuda_LIBRARY}")
endif()
# The executables find libtorch where it was linked (the build tree's RPATH).
get_filename_component(_torch_lib_dir "${LIMNER_TORCH_torch_LIBRARY}" DIRECTORY)
target_link_options(limner::torch INTERFACE "-Wl,-rpath,${_torch_lib_dir}")

set(TORCH_INCLUDE_DIRS "${_includes}")
set(TORCH_LIBRARIES limner::torch)
set(Torch_FOUND TRUE)
message(STATUS "libtorch ${Torch_VERSION} from ${_prefix} (without its CMake package), "
               "CUDA ${LIMNER_TORCH_HAS_CUDA}, ${TORCH_CXX_FLAGS}")
