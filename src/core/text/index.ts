export { decodeFileText, decodeUtf8Strict, firstInvalidUtf8Byte, stripBom, type BytePosition } from './utf8';
export { readRawLines, type RawLine } from './line-stream';
export { containsSpace, splitLines, splitWords, wordSpans, type WordSpan } from './words';
export { readSentenceFile, parseSentenceText, streamSentenceFile, type SentenceFile, type SentenceLine } from './sentence-file';
