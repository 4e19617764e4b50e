build-asan-fault/src/cmd/demo.o: src/cmd/demo.c src/cmd/cmd.h \
 src/import/import.h src/store/store.h src/util/buf.h
src/cmd/cmd.h:
src/import/import.h:
src/store/store.h:
src/util/buf.h:
