# CPack NSIS settings (Windows installer), included by cmake/PeerLinkPackaging.cmake. Build on Windows with Qt 6
# and NSIS installed: see docs/packaging.md. The Qt libraries and plugins are copied next to peerlink.exe by the
# deployment script made in src/app/CMakeLists.txt (windeployqt behind qt_generate_deploy_app_script).
set(CPACK_NSIS_PACKAGE_NAME "PeerLink")
set(CPACK_NSIS_DISPLAY_NAME "PeerLink ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${CMAKE_CURRENT_LIST_DIR}/peerlink.ico")
set(CPACK_NSIS_MUI_UNIICON "${CMAKE_CURRENT_LIST_DIR}/peerlink.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\peerlink.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${CPACK_PACKAGE_HOMEPAGE_URL}")
set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# peerlink-hub and peerlink-cli are command-line programs: offer to put them on PATH.
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_CREATE_ICONS_EXTRA
    "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\PeerLink.lnk' '$INSTDIR\\\\bin\\\\peerlink.exe'")
set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$SMPROGRAMS\\\\$START_MENU\\\\PeerLink.lnk'")
set(CPACK_NSIS_EXECUTABLES_DIRECTORY "bin")
set(CPACK_NSIS_MUI_FINISHPAGE_RUN "peerlink.exe")
