build-asan-fault/src/store/store-sqlite.o: src/store/store-sqlite.c \
 src/store/store-int.h src/store/store.h src/util/xalloc.h
src/store/store-int.h:
src/store/store.h:
src/util/xalloc.h:
