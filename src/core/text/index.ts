export { decodeUtf8Strict, firstInvalidUtf8Byte, stripBom, type BytePosition } from './utf8';
export { readRawLines, type RawLine } from './line-stream';
export {
  readSentenceFile,
  parseSentenceText,
  streamSentenceFile,
  splitWords,
  type SentenceFile,
  type SentenceLine,
} from './sentence-file';
