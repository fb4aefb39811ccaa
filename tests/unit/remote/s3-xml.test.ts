import { describe, expect, it } from 'vitest';
import { completeMultipartXml, decodeXmlText, parseInitiateMultipart, parseListObjectsV2, parseS3Error } from '../../../src/remote/s3-xml';

// Shapes as AWS documents them and s3rver sends them (namespace attribute, quoted ETags, entities).
const page = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
<IsTruncated>true</IsTruncated><NextContinuationToken>tok&amp;en==</NextContinuationToken>
<Contents><Key>p/a&amp;b.json</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>p/blobs/x</Key><ETag>"def-2"</ETag><Size>0</Size></Contents></ListBucketResult>`;

describe('S3 XML parsing (worker-safe, no DOMParser)', () => {
  it('reads a ListObjectsV2 page with entities and a continuation token', () => {
    expect(parseListObjectsV2(page)).toEqual({
      objects: [{ key: 'p/a&b.json', size: 12, etag: 'abc' }, { key: 'p/blobs/x', size: 0, etag: 'def-2' }],
      isTruncated: true,
      nextContinuationToken: 'tok&en==',
    });
  });

  it('reads an empty last page', () => {
    expect(parseListObjectsV2('<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>')).toEqual({ objects: [], isTruncated: false, nextContinuationToken: undefined });
  });

  it('refuses what is not a listing and entries without size', () => {
    expect(() => parseListObjectsV2('<html>hello</html>')).toThrow(/ListBucketResult/);
    expect(() => parseListObjectsV2('<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>')).toThrow(/size/);
  });

  it('reads errors, upload ids and numeric references', () => {
    expect(parseS3Error('<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature &lt;x&gt;</Message></Error>')).toEqual({ code: 'SignatureDoesNotMatch', message: 'The request signature <x>' });
    expect(parseS3Error('plain text')).toEqual({ code: '', message: '' });
    expect(parseInitiateMultipart('<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>')).toBe('u-1');
    expect(() => parseInitiateMultipart('<x/>')).toThrow(/UploadId/);
    expect(decodeXmlText('&#65;&#x42;&apos;')).toBe("AB'");
  });

  it('writes CompleteMultipartUpload with quoted ETags in order given', () => {
    const xml = completeMultipartXml([{ partNumber: 1, etag: '"a"' }, { partNumber: 2, etag: 'b' }]);
    expect(xml).toContain('<Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"b"</ETag></Part>');
  });
});
