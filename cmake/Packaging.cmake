# Installation layout and the Debian package (CPack DEB). Included last by the top-level
# CMakeLists.txt, after every target (ringgate, ringgate-mock) and its install() rule exist.
#
# Two layouts share one build tree, told apart by install component:
#
# * `cmake --install` (components Unspecified + rg_local; prefix /usr/local by default)
#   keeps everything under the prefix and never writes outside it:
#     <prefix>/bin/ringgate, <prefix>/bin/ringgate-mock        (their own install rules)
#     <prefix>/bin/ringgate-pgexport
#     <prefix>/lib/systemd/system/ringgate.service              (systemd searches
#         /usr/local/lib/systemd/system too), with ExecStart and the config path rewritten
#         to this prefix at install time
#     <prefix>/etc/ringgate/ringgate.example.yaml               (copy it to ringgate.yaml;
#         /etc/ringgate/ for prefix /usr)
#     <prefix>/share/doc/ringgate/                              (docs)
#
# * The .deb (components Unspecified + rg_deb; prefix /usr) follows Debian 12 layout:
#     /usr/bin/ringgate, /usr/bin/ringgate-mock, /usr/bin/ringgate-pgexport
#     /lib/systemd/system/ringgate.service   (bookworm's debhelper still uses /lib; the
#                                             file is deploy/systemd/ringgate.service as is)
#     /lib/systemd/system/ringgate-pgexport.service            (likewise, as is)
#     /etc/ringgate/ringgate.yaml            (conffile, from deploy/ringgate.example.yaml)
#     /usr/share/doc/ringgate/               (docs, plus the pristine example config)
#   rg_deb is EXCLUDE_FROM_ALL, so a plain `cmake --install` never touches /etc or /lib.
#
# `cmake --build . --target package` (or `cpack -G DEB`) writes ringgate_<version>_<arch>.deb.

set(RG_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)
set(RG_UNIT_FILE ${RG_DEPLOY_DIR}/systemd/ringgate.service)
set(RG_PGEXPORT_UNIT_FILE ${RG_DEPLOY_DIR}/systemd/ringgate-pgexport.service)
set(RG_EXAMPLE_CONFIG ${RG_DEPLOY_DIR}/ringgate.example.yaml)

# --- Documentation (both layouts) -----------------------------------------------------------
install(FILES ${RG_DEPLOY_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME deploy.md)
install(FILES ${RG_EXAMPLE_CONFIG} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
if(EXISTS ${PROJECT_SOURCE_DIR}/README.md)
  install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
  # Debian policy 12.5: the licence lives in /usr/share/doc/<package>/copyright.
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR}
    RENAME copyright COMPONENT rg_deb EXCLUDE_FROM_ALL)
endif()

# --- Layout for `cmake --install` (component rg_local) --------------------------------------
# The unit names /usr/bin/ringgate and /etc/ringgate/ringgate.yaml, which are right for the
# .deb. For another prefix both are rewritten at install time (the prefix can still change
# with `cmake --install --prefix`), so the installed unit starts the installed binary. The
# example config goes to the same config directory: <prefix>/etc/ringgate, or /etc/ringgate
# for prefix /usr (GNUInstallDirs' rule, applied here at install time).
set(_rg_local_layout [[
  set(_rg_prefix "${CMAKE_INSTALL_PREFIX}")
  set(_rg_sysconf "@CMAKE_INSTALL_SYSCONFDIR@")
  if(NOT IS_ABSOLUTE "${_rg_sysconf}")
    if(_rg_prefix STREQUAL "/usr")
      set(_rg_sysconf "/${_rg_sysconf}")
    else()
      set(_rg_sysconf "${_rg_prefix}/${_rg_sysconf}")
    endif()
  endif()
  file(INSTALL "@RG_EXAMPLE_CONFIG@" DESTINATION "${_rg_sysconf}/ringgate"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

  file(READ "@RG_UNIT_FILE@" _rg_unit)
  string(REPLACE "/usr/bin/ringgate " "${_rg_prefix}/@CMAKE_INSTALL_BINDIR@/ringgate "
    _rg_unit "${_rg_unit}")
  string(REPLACE "/etc/ringgate/ringgate.yaml" "${_rg_sysconf}/ringgate/ringgate.yaml"
    _rg_unit "${_rg_unit}")
  string(REPLACE "file:/usr/share/doc/ringgate/" "file:${_rg_prefix}/@CMAKE_INSTALL_DOCDIR@/"
    _rg_unit "${_rg_unit}")
  set(_rg_rendered "@PROJECT_BINARY_DIR@/deploy/local/ringgate.service")
  file(WRITE "${_rg_rendered}" "${_rg_unit}")
  # file(INSTALL) honours DESTDIR and records the files in install_manifest.txt.
  file(INSTALL "${_rg_rendered}" DESTINATION "${_rg_prefix}/lib/systemd/system"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

  # ringgate-pgexport.service: the same rewrite for its binary and the shared config.
  file(READ "@RG_PGEXPORT_UNIT_FILE@" _rg_unit)
  string(REPLACE "/usr/bin/ringgate-pgexport "
    "${_rg_prefix}/@CMAKE_INSTALL_BINDIR@/ringgate-pgexport " _rg_unit "${_rg_unit}")
  string(REPLACE "/etc/ringgate/ringgate.yaml" "${_rg_sysconf}/ringgate/ringgate.yaml"
    _rg_unit "${_rg_unit}")
  string(REPLACE "file:/usr/share/doc/ringgate/" "file:${_rg_prefix}/@CMAKE_INSTALL_DOCDIR@/"
    _rg_unit "${_rg_unit}")
  set(_rg_rendered "@PROJECT_BINARY_DIR@/deploy/local/ringgate-pgexport.service")
  file(WRITE "${_rg_rendered}" "${_rg_unit}")
  file(INSTALL "${_rg_rendered}" DESTINATION "${_rg_prefix}/lib/systemd/system"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
]])
# @VAR@ are configure-time values; ${VAR} stay for install time (CMAKE_INSTALL_PREFIX).
string(CONFIGURE "${_rg_local_layout}" _rg_local_layout @ONLY)
install(CODE "${_rg_local_layout}" COMPONENT rg_local)

# --- Layout for the .deb (component rg_deb) --------------------------------------------------
install(FILES ${RG_UNIT_FILE} DESTINATION /lib/systemd/system
  COMPONENT rg_deb EXCLUDE_FROM_ALL)
install(FILES ${RG_PGEXPORT_UNIT_FILE} DESTINATION /lib/systemd/system
  COMPONENT rg_deb EXCLUDE_FROM_ALL)
install(FILES ${RG_EXAMPLE_CONFIG} DESTINATION /etc/ringgate RENAME ringgate.yaml
  COMPONENT rg_deb EXCLUDE_FROM_ALL)

# --- CPack: one .deb holding every component except rg_local --------------------------------
set(RG_PACKAGE_MAINTAINER "ringgate maintainers <ringgate@localhost>" CACHE STRING
  "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ringgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR ringgate)
set(CPACK_PACKAGE_CONTACT "${RG_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "LLM API gateway (thread-per-core, io_uring)")
# Stage with DESTDIR, so that the rg_deb component's absolute destinations (/etc, /lib)
# land in the package tree rather than on the build machine. With DESTDIR staging CPack
# installs under CPACK_INSTALL_PREFIX (not CPACK_PACKAGING_INSTALL_PREFIX).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Strip, as Debian packages do; RG_ASSERT reports file:line without debug info.
set(CPACK_STRIP_FILES ON)

get_cmake_property(_rg_components COMPONENTS)
list(REMOVE_ITEM _rg_components rg_local)
list(APPEND _rg_components rg_deb)
list(REMOVE_DUPLICATES _rg_components)
set(CPACK_COMPONENTS_ALL ${_rg_components})
# A monolithic (non-component) package would install the default components, i.e. rg_local
# and not rg_deb; component mode honours CPACK_COMPONENTS_ALL, and ALL_COMPONENTS_IN_ONE
# still makes a single package.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

set(CPACK_DEBIAN_PACKAGE_NAME ringgate)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ringgate_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${RG_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended description, wrapped by hand (CPack indents each line but does not wrap);
# CPack puts the summary line above it.
set(CPACK_PACKAGE_DESCRIPTION "ringgate fronts OpenAI, Anthropic and Gemini style APIs with
one thread per core, io_uring for all I/O and BoringSSL for TLS. This package
ships the gateway, the ringgate-mock upstream for local testing,
ringgate-pgexport (ships the trace spool to PostgreSQL, in its own process),
hardened systemd units and an example configuration in
/etc/ringgate/ringgate.yaml.")
# Depends: computed by dpkg-shlibdeps from the binaries' NEEDED entries. It follows the
# RUNPATH to /usr/lib/<arch>/android/libssl.so.0 and maps it, through the shlibs file of
# android-libboringssl, to "android-libboringssl (>= 13.0.0+r24)". adduser is added by
# hand: postinst uses it, and no binary links it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# ringgate needs kernel >= 6.0 (multishot recv with provided-buffer rings); a package
# cannot depend on the running kernel, so the start-up probe reports it instead.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${RG_DEPLOY_DIR}/debian/conffiles
  ${RG_DEPLOY_DIR}/debian/postinst
  ${RG_DEPLOY_DIR}/debian/prerm
  ${RG_DEPLOY_DIR}/debian/postrm)
# Maintainer scripts 0755 and conffiles 0644 whatever the source tree's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
