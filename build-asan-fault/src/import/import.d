build-asan-fault/src/import/import.o: src/import/import.c \
 src/import/import.h src/store/store.h src/render/markdown.h \
 src/util/arena.h src/util/buf.h src/util/str.h src/util/xalloc.h
src/import/import.h:
src/store/store.h:
src/render/markdown.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/util/xalloc.h:
