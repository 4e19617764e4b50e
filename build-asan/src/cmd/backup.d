build-asan/src/cmd/backup.o: src/cmd/backup.c src/cmd/cmd.h \
 src/store/store.h
src/cmd/cmd.h:
src/store/store.h:
