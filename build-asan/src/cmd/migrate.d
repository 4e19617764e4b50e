build-asan/src/cmd/migrate.o: src/cmd/migrate.c src/cmd/cmd.h \
 src/store/store.h
src/cmd/cmd.h:
src/store/store.h:
