build-asan-fault/src/render/tmpl-html.o: src/render/tmpl-html.c \
 src/render/tmpl-int.h
src/render/tmpl-int.h:
