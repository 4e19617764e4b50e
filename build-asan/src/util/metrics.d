build-asan/src/util/metrics.o: src/util/metrics.c src/util/metrics.h \
 src/util/buf.h src/util/xalloc.h
src/util/metrics.h:
src/util/buf.h:
src/util/xalloc.h:
