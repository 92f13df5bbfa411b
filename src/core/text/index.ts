export { decodeFileText, decodeUtf8Strict, firstInvalidUtf8Byte } from './utf8';
export { splitLines, splitWords, wordSpans } from './words';
export { readSentenceFile, parseSentenceText, streamSentenceFile } from './sentence-file';
