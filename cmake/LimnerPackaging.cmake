# The installed tree and the Debian package (CPack), from this one CMake project: version from
# project(VERSION), files under CMAKE_INSTALL_PREFIX as the FHS has them. `scripts/package`
# runs it; packaging/README.md says what is tested.
#
# Installed: bin/limner, bin/limner-cli; share/limner/models/limner-mini (found by the binaries
# relative to their own folder, so an unpacked tree works anywhere); share/limner/clip (CLIP's
# vocabulary); share/applications, share/metainfo, share/icons/hicolor (desktop integration);
# share/man/man1 (from --help, by help2man); share/doc/limner (copyright, changelog);
# share/limner/samples (the sample pictures).
# limner-train (retrains limner-mini; needs the source tree's world and hours of CPU) is a
# developer tool: its install rule is in the "tools" component, which the package leaves out.
include(GNUInstallDirs)
set(CMAKE_INSTALL_DOCDIR "${CMAKE_INSTALL_DATAROOTDIR}/doc/limner") # not the project name's "Limner"

set(LIMNER_PACKAGE_DIR "${PROJECT_SOURCE_DIR}/packaging")
set(LIMNER_APP_ID "io.github.limner.Limner")

# Desktop integration, where the files exist (resources/desktop, resources/icons).
set(_desktop "${PROJECT_SOURCE_DIR}/resources/desktop")
if(EXISTS "${_desktop}/${LIMNER_APP_ID}.desktop")
    install(FILES "${_desktop}/${LIMNER_APP_ID}.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
endif()
if(EXISTS "${_desktop}/${LIMNER_APP_ID}.metainfo.xml")
    install(FILES "${_desktop}/${LIMNER_APP_ID}.metainfo.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
endif()
set(_icons "${PROJECT_SOURCE_DIR}/resources/icons")
if(EXISTS "${_icons}/hicolor")
    install(DIRECTORY "${_icons}/hicolor" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
endif()

# Man pages from the programs' own --help (help2man), so they cannot drift from it.
find_program(LIMNER_HELP2MAN help2man)
if(LIMNER_HELP2MAN AND TARGET limner-cli AND TARGET limner)
    set(_man "${PROJECT_BINARY_DIR}/man")
    foreach(_program limner limner-cli)
        if(_program STREQUAL "limner")
            set(_name "image editor for AI inpainting and outpainting")
        else()
            set(_name "inpaint, outpaint, flatten and verify pictures from the command line")
        endif()
        add_custom_command(
            OUTPUT "${_man}/${_program}.1.gz"
            COMMAND ${CMAKE_COMMAND} -E make_directory "${_man}"
            COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen LIMNER_KEEP_WAIT_POLICY=1
                    ${LIMNER_HELP2MAN} --no-info --no-discard-stderr --name "${_name}"
                    --section 1 --output "${_man}/${_program}.1" $<TARGET_FILE:${_program}>
            COMMAND gzip -9nf "${_man}/${_program}.1"
            DEPENDS ${_program}
            COMMENT "Man page of ${_program} from its --help"
            VERBATIM)
        list(APPEND _pages "${_man}/${_program}.1.gz")
    endforeach()
    add_custom_target(limner-man-pages ALL DEPENDS ${_pages})
    install(FILES ${_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# Debian's copyright and changelog (gzip -9n, as Debian policy has it; a native package, so
# changelog.gz rather than changelog.Debian.gz).
install(FILES "${LIMNER_PACKAGE_DIR}/debian/copyright" DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(_changelog "${PROJECT_BINARY_DIR}/changelog.gz")
add_custom_command(
    OUTPUT "${_changelog}"
    COMMAND gzip -9nc "${LIMNER_PACKAGE_DIR}/debian/changelog" > "${_changelog}"
    DEPENDS "${LIMNER_PACKAGE_DIR}/debian/changelog"
    VERBATIM)
add_custom_target(limner-changelog ALL DEPENDS "${_changelog}")
install(FILES "${_changelog}" DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME "limner")
set(CPACK_PACKAGE_VENDOR "The Limner project")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "image editor for AI inpainting and outpainting")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/limner/limner")
set(CPACK_PACKAGE_CONTACT "Limner maintainers <maintainers@limner-editor.org>")
set(CPACK_GENERATOR "DEB")
set(CPACK_COMPONENTS_ALL Unspecified)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # limner_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; CPack indents these lines by one space.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Limner paints over a picture with a mask and a prompt: a diffusion model
(Stable Diffusion inpainting, Kandinsky 2.2, or the small bundled
limner-mini) fills the masked region or extends the canvas past its edge,
on the GPU or the CPU. Several candidates come back; the chosen one becomes
a layer that stays editable. Projects are layered OpenRaster files.
.
Exports of generated pixels carry signed Content Credentials (C2PA) and an
invisible watermark; a content policy and a face-edit guard are built in.
The command-line tool limner-cli does the same from scripts.")
# dpkg-shlibdeps finds the shared libraries; what it cannot see: Qt's platform plugins (loaded
# at run time), the image format plugins (WebP, TIFF), OpenCV's face cascades (the face-edit
# guard), and a fast BLAS for libtorch.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, qt6-image-formats-plugins, opencv-data")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# The source tarball: what git tracks, without build trees and installed npm packages.
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_PACKAGE_FILE_NAME "limner-${PROJECT_VERSION}")
set(CPACK_SOURCE_IGNORE_FILES
    "/\\\\.git/" "/\\\\.git$" "/\\\\.flatpak-builder/" "/build/" "/build-.*/" "/out/"
    "/\\\\.cache/" "/node_modules/" "\\\\.user$" "/compile_commands\\\\.json$")
include(CPack)
