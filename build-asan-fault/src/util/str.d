build-asan-fault/src/util/str.o: src/util/str.c src/util/str.h \
 src/util/buf.h
src/util/str.h:
src/util/buf.h:
