// SwiftPM needs one source file per C target; the module is its header (include/CPlatformShim.h).
#include "CPlatformShim.h"
