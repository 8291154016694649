#include "logging.h"

Q_LOGGING_CATEGORY(lcClient, "peerlink.client")
