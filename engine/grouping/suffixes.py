"""Which file names are in an image format: the suffixes Bio-Formats 7.3 reads, by format.

Judged by name only, so grouping never opens a file just to learn whether it is an image. Suffixes that
only companions use (.txt, .xml, .log, .csv, .hdr and the like) are left out: alone they are not images,
and in a set the set's rule claims them first.
"""

from __future__ import annotations

import os
from functools import cache

FORMATS: dict[str, str] = {
    "TIFF": "tif tiff btf tf2 tf8",
    "File pattern": "pattern",
    "Zip": "zip",
    "Animated PNG": "png",
    "JPEG": "jpe jpeg jpg",
    "SlideBook 7 SLD (native)": "sldy",
    "Portable Any Map": "pbm pgm ppm",
    "Flexible Image Transport System": "fits fts",
    "PCX": "pcx",
    "Graphics Interchange Format": "gif",
    "Windows Bitmap": "bmp",
    "IPLab": "ipl",
    "IVision": "ipm",
    "RCPNL": "rcpnl",
    "Deltavision": "dv r3d r3d_d3d",
    "Medical Research Council": "ali map mrc mrcs rec st",
    "Gatan Digital Micrograph": "dm3 dm4",
    "Gatan DM2": "dm2",
    "Bitplane Imaris": "ims",
    "Openlab RAW": "raw",
    "OME-XML": "ome ome.xml",
    "Leica Image File Format": "lif",
    "Audio Video Interleave": "avi",
    "PICT": "pct pict",
    "SPCImage Data": "sdt",
    "SPC FIFO Data": "spc",
    "Encapsulated PostScript": "eps epsi ps",
    "Olympus Slidebook": "sld spl",
    "Alicona AL3D": "al3d",
    "Multiple-image Network Graphics": "mng",
    "Khoros XV": "xv",
    "Visitech XYS": "xys",
    "Laboratory Imaging": "lim",
    "Adobe Photoshop": "psd",
    "InCell 1000/2000": "tif tiff xdce",
    "Li-Cor L2D": "l2d scn",
    "FEI/Philips": "img",
    "Hamamatsu Aquacosmos": "naf",
    "MINC MRI": "mnc",
    "QuickTime": "mov",
    "Minolta MRW": "mrw",
    "TillVision": "pst vws",
    "ARF": "arf",
    "Cellomics C01": "c01 dib",
    "LI-FLIM": "fli",
    "Truevision Targa": "tga",
    "Oxford Instruments": "top",
    "VG SAM": "dti",
    "Hamamatsu HIS": "his",
    "WA Technology TOP": "wat",
    "TopoMetrix": "2fl ffr tfr zfp zfr",
    "UBM": "pr3",
    "Quesant AFM": "afm",
    "Bio-Rad GEL": "1sc",
    "RHK Technologies": "sm2 sm3",
    "Molecular Imaging": "stp",
    "CellWorx": "htd pnl",
    "ECAT7": "v",
    "Varian FDF": "fdf",
    "AIM": "aim",
    "InCell 3000": "frm",
    "SPIDER": "spi",
    "Volocity Library": "aiix aisf atsf dat mvd2",
    "IMAGIC": "hed",
    "Hamamatsu VMS": "vms",
    "CellSens VSI": "ets vsi",
    "INR": "inr",
    "Kodak Molecular Imaging": "bip",
    "Volocity Library Clipping": "acff",
    "Zeiss CZI": "czi",
    "Andor SIF": "sif",
    "Hamamatsu NDPIS": "ndpis",
    "POV-Ray": "df3",
    "IMOD": "mod",
    "Aperio AFI": "afi",
    "Lavision Imspector": "msr",
    "Zeiss LMS": "lms",
    "PicoQuant Bin": "bin",
    "FlowSight": "cif",
    "Perkin-Elmer Nuance IM3": "im3",
    "I2I": "i2i",
    "Princeton Instruments SPE": "spe",
    "Olympus OIR": "oir",
    "KLB": "klb",
    "MicroCT": "vff",
    "Leica Object Format": "lof",
    "Extended leica file": "xlef",
    "Olympus .omp2info": "omp2info",
    "NIfTI": "nii nii.gz",
    "Olympus APL": "apl mtb tnb",
    "NRRD": "nhdr nrrd",
    "Image Cytometry Standard": "ics ids",
    "PerkinElmer": "ano tim zpo",
    "Amira": "am amiramesh grey hx",
    "Yokogawa CV7000": "wpi",
    "Bio-Rad PIC": "pic",
    "Olympus FV1000": "lut oib oif pty",
    "Zeiss Vision Image (ZVI)": "zvi",
    "Image-Pro Workspace": "ipw",
    "JPEG-2000": "j2k jp2 jpf",
    "JPX": "jpx",
    "Nikon ND2": "nd2",
    "Compix Simple-PCI": "cxd",
    "CellH5 (HDF)": "ch5",
    "Veeco": "hdf",
    "Zeiss Laser-Scanning Microscopy": "lsm",
    "Image-Pro Sequence": "ips seq",
    "Amersham Biosciences GEL": "gel",
    "Evotec Flex": "flex mea",
    "Aperio SVS": "svs",
    "Imacon": "fff",
    "LEO": "sxm",
    "JPK Instruments": "jpk",
    "Hamamatsu NDPI": "ndpi",
    "PCO-RAW": "pcoraw",
    "Ventana .bif": "bif",
    "OME-TIFF": "companion.ome ome.btf ome.tf2 ome.tf8 ome.tif ome.tiff",
    "Leica": "lei",
    "Nikon NEF": "nef",
    "Metamorph STK": "nd scan stk",
    "DNG": "cr2 crw thm wav",
    "PerkinElmer Vectra/QPTIFF": "qptiff",
    "DICOM": "dcm dic dicom ima j2ki j2kr",
    "Openlab LIFF": "liff",
    "OBF": "obf",
    "BDV": "h5",
    "3DHISTECH MIRAX": "mrxs",
}


@cache
def _by_suffix() -> dict[str, str]:
    table: dict[str, str] = {}
    for fmt, suffixes in FORMATS.items():
        for suffix in suffixes.split():
            table.setdefault("." + suffix, fmt)
    return table


def format_of(path: str) -> str | None:
    """The format a file name says, or None when no image format uses its suffix."""
    name = os.path.basename(path).lower()
    table = _by_suffix()
    parts = name.split(".")
    for i in range(1, len(parts)):  # longest suffix first: .ome.tiff before .tiff
        found = table.get("." + ".".join(parts[i:]))
        if found:
            return found
    return None
