build-asan-fault/src/render/tmpl.o: src/render/tmpl.c src/render/tmpl.h \
 src/render/esc.h src/render/tmpl-int.h src/util/arena.h src/util/buf.h \
 src/util/xalloc.h
src/render/tmpl.h:
src/render/esc.h:
src/render/tmpl-int.h:
src/util/arena.h:
src/util/buf.h:
src/util/xalloc.h:
