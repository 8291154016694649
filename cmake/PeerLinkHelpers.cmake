# Helpers that keep the per-folder CMakeLists short and uniform.

# Compile options shared by every PeerLink target: strict string handling and warnings.
function(peerlink_target_defaults target)
    target_compile_definitions(${target} PRIVATE
        QT_NO_KEYWORDS
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_CAST_FROM_BYTEARRAY
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        QT_USE_QSTRINGBUILDER
        PEERLINK_VERSION="${PROJECT_VERSION}")
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    endif()
endfunction()

# peerlink_add_library(<name> SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# Makes a static library, its PeerLink:: alias, and puts src/ on its public include path.
function(peerlink_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    string(REPLACE "peerlink_" "" short "${name}")
    add_library(PeerLink::${short} ALIAS ${name})
    target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    peerlink_target_defaults(${name})
endfunction()

# peerlink_add_executable(<name> SOURCES ... LIBS ... [COMPONENT c])
# A thin executable over the libraries, with its install rule.
function(peerlink_add_executable name)
    cmake_parse_arguments(ARG "" "COMPONENT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS})
    peerlink_target_defaults(${name})
    if(NOT ARG_COMPONENT)
        set(ARG_COMPONENT hub)
    endif()
    install(TARGETS ${name}
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${ARG_COMPONENT}
            BUNDLE DESTINATION . COMPONENT ${ARG_COMPONENT})
endfunction()

# peerlink_add_test(<name> SOURCES ... LIBS ... [GUI] [TIMEOUT s] [DEFINITIONS ...])
# One Qt Test executable registered with CTest. GUI tests run on the offscreen platform.
function(peerlink_add_test name)
    cmake_parse_arguments(ARG "GUI" "TIMEOUT" "SOURCES;LIBS;DEFINITIONS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
    peerlink_target_defaults(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(env "QT_FORCE_STDERR_LOGGING=1" "QT_LOGGING_RULES=peerlink.*.info=false")
    if(ARG_GUI)
        list(APPEND env "QT_QPA_PLATFORM=offscreen")
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${env}")
endfunction()
