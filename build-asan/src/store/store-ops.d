build-asan/src/store/store-ops.o: src/store/store-ops.c \
 src/store/store-int.h src/store/store.h
src/store/store-int.h:
src/store/store.h:
