build-asan-fault/src/cmd/cmd.o: src/cmd/cmd.c src/cmd/cmd.h \
 src/store/store.h
src/cmd/cmd.h:
src/store/store.h:
