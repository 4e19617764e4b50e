build-asan-fault/src/cmd/import.o: src/cmd/import.c src/cmd/cmd.h \
 src/import/import.h src/store/store.h src/util/buf.h
src/cmd/cmd.h:
src/import/import.h:
src/store/store.h:
src/util/buf.h:
