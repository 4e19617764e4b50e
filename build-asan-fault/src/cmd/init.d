build-asan-fault/src/cmd/init.o: src/cmd/init.c src/cmd/cmd.h \
 src/store/store.h src/util/arena.h
src/cmd/cmd.h:
src/store/store.h:
src/util/arena.h:
