/* nats_publish RECORDS_FILE SERVERS STREAM SUBJECT WINDOW
 *
 * The engine's own limit for Junction's replication: the same records published to a
 * JetStream stream (created with 3 replicas and file storage if missing) the way the
 * replicator publishes them: one message per record, in order, with `Nats-Msg-Id`, an
 * expected last sequence and Junction's four headers (journal, epoch, writer, batch),
 * asynchronously, waiting for every ack of a WINDOW of messages before sending the next
 * window (the replicator waits for a whole batch group the same way). No LMDB, no HTTP.
 *
 * RECORDS_FILE: per record a u32 little-endian length, then that many bytes.
 * SERVERS: nats://host:port[,nats://…].
 *
 * Prints one JSON line: records, bytes, seconds, per_second, bytes_per_second, window.
 */
#include "common.h"
#include <nats/nats.h>

#define CHECK_NATS(expr) do { natsStatus s_ = (expr); if (s_ != NATS_OK) { \
    fprintf(stderr, "%s: %s (%s)\n", #expr, natsStatus_GetText(s_), nats_GetLastError(NULL)); exit(2); } } while (0)

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *ack, jsPubAckErr *err, void *closure) {
    (void)js; (void)ack;
    if (err != NULL) {
        fprintf(stderr, "publish failed: %s (%d)\n", err->ErrText ? err->ErrText : natsStatus_GetText(err->Err),
                (int)err->ErrCode);
        exit(2);
    }
    (*(long *)closure)++;
    natsMsg_Destroy(msg);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: nats_publish RECORDS_FILE SERVERS STREAM SUBJECT WINDOW\n");
        return 2;
    }
    const char *records_path = argv[1], *servers = argv[2], *stream = argv[3], *subject = argv[4];
    long window = strtol(argv[5], NULL, 10);
    if (window < 1) { fprintf(stderr, "WINDOW must be >= 1\n"); return 2; }

    size_t size;
    const unsigned char *file = map_file(records_path, &size);

    natsOptions *opts;
    CHECK_NATS(natsOptions_Create(&opts));
    char *list = strdup(servers), *urls[16];
    int n = 0;
    for (char *tok = strtok(list, ","); tok != NULL && n < 16; tok = strtok(NULL, ",")) urls[n++] = tok;
    CHECK_NATS(natsOptions_SetServers(opts, (const char **)urls, n));
    natsConnection *conn;
    CHECK_NATS(natsConnection_Connect(&conn, opts));

    long acked = 0;
    jsOptions jo;
    CHECK_NATS(jsOptions_Init(&jo));
    jo.Wait = 30000;
    jo.PublishAsync.MaxPending = 4096;
    jo.PublishAsync.AckHandler = on_ack;
    jo.PublishAsync.AckHandlerClosure = &acked;
    jsCtx *js;
    CHECK_NATS(natsConnection_JetStream(&js, conn, &jo));

    jsStreamConfig cfg;
    CHECK_NATS(jsStreamConfig_Init(&cfg));
    cfg.Name = stream;
    const char *subjects[] = {subject};
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = 3;
    jsErrCode code = 0;
    jsStreamInfo *info = NULL;
    natsStatus st = js_AddStream(&info, js, &cfg, NULL, &code);
    if (st != NATS_OK && code != JSStreamNameExistErr) {
        fprintf(stderr, "js_AddStream: %s (%d)\n", natsStatus_GetText(st), (int)code);
        return 2;
    }
    if (info) jsStreamInfo_Destroy(info);

    const char *journal = "3f1c2a9e-6b1d-4c4e-9a57-0c2f6a1e8b3d", *epoch = "a81d3c5e-2f4b-4e6a-8c1d-9b7e5f3a2c10";
    uint64_t seq = 0, bytes = 0;
    long sent = 0;
    double start = now_seconds();
    for (size_t at = 0; at < size;) {
        uint32_t len = read_u32le(file + at);
        const unsigned char *data = file + at + 4;
        at += 4 + (size_t)len;
        seq++;
        natsMsg *msg;
        CHECK_NATS(natsMsg_Create(&msg, subject, NULL, (const char *)data, (int)len));
        char batch[48], id[96];
        snprintf(batch, sizeof batch, "%llu-%llu", (unsigned long long)seq, (unsigned long long)seq);
        snprintf(id, sizeof id, "%s:%llu", journal, (unsigned long long)seq);
        CHECK_NATS(natsMsgHeader_Set(msg, "Junction-Journal", journal));
        CHECK_NATS(natsMsgHeader_Set(msg, "Junction-Epoch", epoch));
        CHECK_NATS(natsMsgHeader_Set(msg, "Junction-Writer", "bench"));
        CHECK_NATS(natsMsgHeader_Set(msg, "Junction-Batch", batch));
        jsPubOptions po;
        CHECK_NATS(jsPubOptions_Init(&po));
        po.MsgId = id;
        po.ExpectLastSeq = seq - 1;
        CHECK_NATS(js_PublishMsgAsync(js, &msg, &po));
        bytes += len;
        if (++sent % window == 0 || at >= size) {
            jsPubOptions wait;
            CHECK_NATS(jsPubOptions_Init(&wait));
            wait.MaxWait = 60000;
            CHECK_NATS(js_PublishAsyncComplete(js, &wait));
        }
    }
    double seconds = now_seconds() - start;
    if (acked != sent) { fprintf(stderr, "%ld of %ld acked\n", acked, sent); return 2; }
    printf("{\"records\":%ld,\"bytes\":%llu,\"seconds\":%.6f,\"per_second\":%.1f,\"bytes_per_second\":%.1f,\"window\":%ld}\n",
           sent, (unsigned long long)bytes, seconds, sent / seconds, bytes / seconds, window);
    jsCtx_Destroy(js);
    natsConnection_Destroy(conn);
    natsOptions_Destroy(opts);
    return 0;
}
