build-asan-fault/src/cmd/user.o: src/cmd/user.c src/admin/auth.h \
 src/cmd/cmd.h src/store/store.h src/util/arena.h src/util/str.h
src/admin/auth.h:
src/cmd/cmd.h:
src/store/store.h:
src/util/arena.h:
src/util/str.h:
