build-asan/src/store/store.o: src/store/store.c src/store/store-int.h \
 src/store/store.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/util/xalloc.h
src/store/store-int.h:
src/store/store.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/util/xalloc.h:
