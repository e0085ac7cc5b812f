package submission

import "sync"

// sealedSlack is room for what sealing adds to a chunk (nonce and tag).
const sealedSlack = 64

// chunkBufs lends the buffers an upload reads its chunks into and seals
// them into. Each upload used to allocate both anew (half a megabyte for a
// 200 KB file), and at a few hundred uploads a second the garbage
// collector took a tenth of the CPU.
var chunkBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, ChunkSize+sealedSlack)
	return &b
}}

// getChunkBuf lends an empty buffer of capacity ChunkSize+sealedSlack.
func getChunkBuf() *[]byte {
	b := chunkBufs.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// putChunkBuf returns a buffer; nothing may use it afterwards.
func putChunkBuf(b *[]byte) {
	if cap(*b) >= ChunkSize+sealedSlack {
		chunkBufs.Put(b)
	}
}
