build-asan-fault/src/http/form.o: src/http/form.c src/http/http-int.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h
src/http/http-int.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
