#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace PeerLink {

/// The records of the cluster's bus (issue 19; Cluster): "OP\nHUB\n" and then fields separated by newlines, the last
/// field keeping any newlines of its own. A batch ("M\nHUB\n" then LENGTH "\n" RECORD for each record) carries what
/// one hub published on one channel in one turn of its event loop. Pure functions: table-tested (tst_busformat) and
/// fuzzed (fuzz_busformat).

/// Splits @p payload at its first @p n - 1 newlines into @p n fields; empty when it has fewer.
QList<QByteArray> busFields(QByteArrayView payload, int n);

/// One batch of @p records from @p hub (a record that is itself a batch is not allowed in one).
QByteArray encodeBusBatch(const QByteArray &hub, const QList<QByteArray> &records);

/// The records of batch @p payload, in order, as far as it is well formed (@p complete false when something after
/// them was not: a bad or short length, a record under 3 bytes); records that are batches themselves are left out.
QList<QByteArray> decodeBusBatch(QByteArrayView payload, bool *complete = nullptr);

} // namespace PeerLink
