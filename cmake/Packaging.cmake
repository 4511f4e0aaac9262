# CPack .deb: filled in with the deployment work.
