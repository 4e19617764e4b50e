build-asan/src/store/store-sqlite.o: src/store/store-sqlite.c \
 src/search/query.h src/store/store-int.h src/store/store.h \
 src/util/buf.h src/util/xalloc.h
src/search/query.h:
src/store/store-int.h:
src/store/store.h:
src/util/buf.h:
src/util/xalloc.h:
