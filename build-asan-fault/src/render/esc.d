build-asan-fault/src/render/esc.o: src/render/esc.c src/render/esc.h \
 src/util/buf.h
src/render/esc.h:
src/util/buf.h:
