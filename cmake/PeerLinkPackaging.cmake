# Install rules for everything that is not a target, and the CPack configuration: a Debian package here; the NSIS
# installer (Windows) and the DragNDrop disk image (macOS) where those systems build it (see docs/packaging.md).
# Components: "app" (the desktop app and its desktop integration) and "hub" (peerlink-hub, peerlink-cli, the
# service, docs).

set(PEERLINK_APP_ID "io.github.peerlink.PeerLink")
set(pkg "${PROJECT_SOURCE_DIR}/packaging")

# ---- Install rules ----------------------------------------------------------------------------------------------
if(UNIX AND NOT APPLE)
    install(FILES "${pkg}/linux/${PEERLINK_APP_ID}.desktop"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT app)
    install(FILES "${pkg}/linux/${PEERLINK_APP_ID}.metainfo.xml"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT app)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/icons/hicolor"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons COMPONENT app)

    # Man pages, compressed as Debian wants them.
    foreach(page peerlink peerlink-hub peerlink-cli)
        set(gz "${CMAKE_CURRENT_BINARY_DIR}/man/${page}.1.gz")
        add_custom_command(OUTPUT "${gz}"
            COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/man"
            COMMAND gzip -9nc "${pkg}/man/${page}.1" > "${gz}"
            DEPENDS "${pkg}/man/${page}.1" VERBATIM)
        list(APPEND man_pages "${gz}")
        if(page STREQUAL "peerlink")
            install(FILES "${gz}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT app)
        else()
            install(FILES "${gz}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT hub)
        endif()
    endforeach()
    add_custom_target(peerlink_man_pages ALL DEPENDS ${man_pages})

    # The service: its unit, the template for several hubs on one machine (peerlink-hub@NAME, docs/deploy.md), and
    # the configuration file (root-only: it may hold the password).
    install(FILES "${pkg}/linux/peerlink-hub.service" "${pkg}/linux/peerlink-hub@.service"
            DESTINATION lib/systemd/system COMPONENT hub)
    install(FILES "${pkg}/linux/hub.conf" DESTINATION /etc/peerlink COMPONENT hub
            PERMISSIONS OWNER_READ OWNER_WRITE)
    install(FILES "${pkg}/linux/debian/copyright" DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT hub)
else()
    install(FILES LICENSE DESTINATION . COMPONENT app)
endif()

# The translations are compiled into the app; the .qm files are installed too, for translators and tools.
if(TARGET peerlink)
    install(FILES "${PROJECT_BINARY_DIR}/src/app/peerlink_en.qm" "${PROJECT_BINARY_DIR}/src/app/peerlink_zh_CN.qm"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/peerlink/translations COMPONENT app)
endif()
install(FILES README.md docs/protocol.md docs/architecture.md docs/deploy.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT hub)

# ---- CPack --------------------------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME "peerlink")
set(CPACK_PACKAGE_VENDOR "PeerLink developers")
set(CPACK_PACKAGE_CONTACT "PeerLink developers <developers@peerlink.invalid>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Peer-to-peer messaging through a hub you can host yourself")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "PeerLink lets people on a network chat with each other. Peers join a hub\n"
    "with an id, see who comes and goes, and send messages to everyone or to\n"
    "one peer. The package has the desktop app (peerlink), which can host a hub\n"
    "with one click; the headless hub (peerlink-hub), also as a systemd\n"
    "service; and a headless peer for scripts (peerlink-cli).")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://peerlink.github.io/")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "PeerLink")
set(CPACK_PACKAGE_EXECUTABLES "peerlink" "PeerLink")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL app hub)
set(CPACK_COMPONENT_APP_DISPLAY_NAME "PeerLink desktop app")
set(CPACK_COMPONENT_APP_DESCRIPTION "The desktop messenger, which can also host a hub.")
set(CPACK_COMPONENT_HUB_DISPLAY_NAME "Hub and command-line peer")
set(CPACK_COMPONENT_HUB_DESCRIPTION "peerlink-hub (headless hub) and peerlink-cli (headless peer).")

# Debian: one package with both components, dependencies found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_NAME "peerlink")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins are loaded at run time, so dpkg-shlibdeps cannot see them: the SVG icons, the windowing platforms, and
# the SQLite driver of Qt SQL (the hub's mailbox, the app's history).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, libqt6sql6-sqlite, qt6-qpa-plugins")
# The Avahi daemon lets the app find and announce hubs on the local network; a Secret Service (GNOME Keyring or
# KWallet) keeps hub passwords out of the settings file. Without either the app works and says what is missing.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "qt6-translations-l10n, fonts-noto-cjk | fonts-wqy-microhei, avahi-daemon, gnome-keyring | kwalletmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${pkg}/linux/debian/postinst" "${pkg}/linux/debian/prerm" "${pkg}/linux/debian/postrm"
    "${pkg}/linux/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include("${pkg}/windows/nsis.cmake")
include("${pkg}/macos/dmg.cmake")

if(WIN32)
    set(CPACK_GENERATOR "NSIS")
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
else()
    set(CPACK_GENERATOR "DEB")
    set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
endif()
include(CPack)
