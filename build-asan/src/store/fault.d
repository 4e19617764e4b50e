build-asan/src/store/fault.o: src/store/fault.c src/store/fault.h
src/store/fault.h:
