/* file.c: creating the files that hold a site's data (file.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/file.h"

int
file_create_private(const char *path)
{
	int fd;

	/* O_EXCL: a file (or a link) already there is left as it is. */
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
	    FILE_MODE_PRIVATE);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}
