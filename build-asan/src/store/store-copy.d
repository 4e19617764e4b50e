build-asan/src/store/store-copy.o: src/store/store-copy.c \
 src/store/store-int.h src/store/store.h
src/store/store-int.h:
src/store/store.h:
