build-asan-fault/src/http/route.o: src/http/route.c src/http/http-int.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h
src/http/http-int.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
