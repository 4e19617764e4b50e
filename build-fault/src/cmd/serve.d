build-fault/src/cmd/serve.o: src/cmd/serve.c src/cmd/cmd.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/render/page.h src/render/tmpl.h src/store/store.h src/store/fault.h
src/cmd/cmd.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/page.h:
src/render/tmpl.h:
src/store/store.h:
src/store/fault.h:
