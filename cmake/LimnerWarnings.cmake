# Project code builds with warnings as errors; third-party headers come in as SYSTEM includes.
option(LIMNER_WERROR "Treat warnings in project code as errors" ON)

function(limner_target_defaults target)
    target_compile_features(${target} PUBLIC cxx_std_17)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
        if(LIMNER_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()
