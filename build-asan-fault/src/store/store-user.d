build-asan-fault/src/store/store-user.o: src/store/store-user.c \
 src/store/store-int.h src/store/store.h src/util/arena.h
src/store/store-int.h:
src/store/store.h:
src/util/arena.h:
