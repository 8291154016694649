# CPack DragNDrop settings (macOS disk image), included by cmake/PeerLinkPackaging.cmake. Build on macOS with Qt 6:
# see docs/packaging.md. peerlink is built as PeerLink.app (MACOSX_BUNDLE, Info.plist values in src/app/CMakeLists.txt);
# macdeployqt, behind qt_generate_deploy_app_script, copies Qt's frameworks and plugins into the bundle.
set(CPACK_DMG_VOLUME_NAME "PeerLink ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT "UDBZ")
# The disk image holds PeerLink.app and a link to /Applications to drag it onto.
set(CPACK_DMG_SLA_USE_RESOURCE_FILE_LICENSE OFF)
set(CPACK_BUNDLE_NAME "PeerLink")
set(CPACK_BUNDLE_ICON "${CMAKE_CURRENT_LIST_DIR}/peerlink.icns")
