#include "logging.h"

Q_LOGGING_CATEGORY(lcHub, "peerlink.hub")
