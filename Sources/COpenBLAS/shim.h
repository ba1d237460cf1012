#include <cblas.h>
/* openblas_set_num_threads lives in OpenBLAS's own header (cblas.h from libopenblas-dev declares it). */
