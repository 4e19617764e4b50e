build-asan/src/admin/auth.o: src/admin/auth.c src/admin/auth.h \
 src/util/str.h
src/admin/auth.h:
src/util/str.h:
